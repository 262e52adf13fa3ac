# SPDX-License-Identifier: GPL-2.0-or-later
#
# plugin/profile/install-profile.cmake - installs the "FTP Lab" configuration profile (run by
# `cmake --install`, which gets the variables below from plugin/CMakeLists.txt) without ever
# overwriting a profile somebody changed.  Not a profile file itself.
#
#   FTPLENS_PROFILE_SRC    this folder (preferences, colorfilters, recent)
#   FTPLENS_PROFILE_ROOT   a "profiles" folder: personal (~/.config/wireshark/profiles) or global
#                          (<prefix of wireshark.pc>/share/wireshark/profiles)
#   FTPLENS_PROFILE_SCOPE  personal or global
#   FTPLENS_VERSION        the ftplens version
#
# Personal install: the profile is "FTP Lab".  It is installed when absent, and updated in place when
# its files are still what an earlier install put there (recorded in the profile's .ftplens-profile; of
# "recent" only the column.width entry counts, Wireshark rewrites the rest of that file on every exit,
# and an update replaces only that entry).  A profile that was changed (a preference such as
# ftplens.language, a column, a colouring rule, a column width) or that no install recorded is left as
# it is: the shipped profile then goes to "FTP Lab (ftplens VERSION)", by the same rules, and a note
# says so.
#
# Global install: "FTP Lab (all users, ftplens VERSION)".  Wireshark lists global and personal profiles
# together, and on first use copies a global profile into the personal folder under the same name,
# where that copy then hides any later global one: so the global profile has its own name, a new one
# per version.  Older "FTP Lab (all users, ...)" profiles an install recorded are removed.

set(_files preferences colorfilters recent)
set(_marker .ftplens-profile)
set(_destdir "$ENV{DESTDIR}")

function(_say)
    string(CONCAT _text ${ARGV})
    message("[ftplens] ${_text}")
endfunction()

# _fingerprint(FILE OUT): SHA-256 of FILE, of its column.width entry for "recent", "absent" if none.
function(_fingerprint file out)
    if(NOT EXISTS "${file}")
        set(${out} absent PARENT_SCOPE)
        return()
    endif()
    get_filename_component(_name "${file}" NAME)
    file(READ "${file}" _text)
    if(_name STREQUAL "recent")
        string(REGEX MATCH "(^|\n)column\\.width:[^\n]*(\n[ \t]+[^\n]*)*" _text "${_text}")
        string(REGEX REPLACE "[ \t\r\n]" "" _text "${_text}")
    endif()
    string(SHA256 _sum "${_text}")
    set(${out} ${_sum} PARENT_SCOPE)
endfunction()

# _column_width(FILE OUT): the column.width entry of a recent file (with its leading newline, if any).
function(_column_width file out)
    file(READ "${file}" _text)
    string(REGEX MATCH "(^|\n)column\\.width:[^\n]*(\n[ \t]+[^\n]*)*" _m "${_text}")
    set(${out} "${_m}" PARENT_SCOPE)
endfunction()

function(_write_marker dir)
    set(_text "# ftplens ${FTPLENS_VERSION}: what cmake --install put into this profile (do not edit)\n")
    foreach(_f IN LISTS _files)
        _fingerprint("${FTPLENS_PROFILE_SRC}/${_f}" _sum)
        string(APPEND _text "${_f} ${_sum}\n")
    endforeach()
    file(WRITE "${_destdir}${dir}/${_marker}" "${_text}")
    set_property(GLOBAL APPEND PROPERTY _ftplens_profile_files "${dir}/${_marker}")
endfunction()

# _copy(DIR FILE): installs one profile file (install_manifest.txt lists it).
function(_copy dir f)
    file(INSTALL DESTINATION "${dir}" TYPE FILE FILES "${FTPLENS_PROFILE_SRC}/${f}")
    set_property(GLOBAL APPEND PROPERTY _ftplens_profile_files "${dir}/${f}")
endfunction()

# _install_all(DIR): copies every profile file into DIR (created if needed).
function(_install_all dir)
    foreach(_f IN LISTS _files)
        _copy("${dir}" ${_f})
    endforeach()
    _write_marker("${dir}")
endfunction()

# _update(DIR): as _install_all, but of an existing "recent" only the column.width entry is replaced.
function(_update dir)
    foreach(_f IN LISTS _files)
        set(_dst "${_destdir}${dir}/${_f}")
        if(_f STREQUAL "recent" AND EXISTS "${_dst}")
            _column_width("${_dst}" _old)
            _column_width("${FTPLENS_PROFILE_SRC}/recent" _new)
            file(READ "${_dst}" _text)
            if(_old STREQUAL "")
                string(APPEND _text "${_new}\n")
            else()
                string(REPLACE "${_old}" "${_new}" _text "${_text}")
            endif()
            file(WRITE "${_dst}" "${_text}")
            set_property(GLOBAL APPEND PROPERTY _ftplens_profile_files "${dir}/${_f}")
        else()
            _copy("${dir}" ${_f})
        endif()
    endforeach()
    _write_marker("${dir}")
endfunction()

# Files as earlier ftplens versions shipped them (before .ftplens-profile existed): not changed by a user.
set(_shipped_before
    "preferences 4e4feb83831149e880e650be736b67b9244503b3595c4195a48567434c17b72c"
    "colorfilters dc66566feb3e840c2864154b4aa339f7e76899c1aef205105a7d78cb38cff3c6"
    "colorfilters 705493503580e8740fab6c205f4eda897f76f2434bf513997c31f15b3ace2a42")

# _personal(NAME OUT): installs the profile as NAME unless a changed one is there.  OUT: installed,
# updated, current (already the shipped one) or "kept FILE..." (the files changed there).  A file is
# changed when it is neither the shipped one nor one an install recorded or an earlier version shipped
# (a missing file is not a change: it is installed).
function(_personal name out)
    set(dir "${FTPLENS_PROFILE_ROOT}/${name}")
    set(_recorded ${_shipped_before})
    if(EXISTS "${_destdir}${dir}/${_marker}")
        file(STRINGS "${_destdir}${dir}/${_marker}" _lines REGEX "^[a-z]+ ")
        list(APPEND _recorded ${_lines})
    endif()
    set(_present "")
    set(_differs "")
    set(_changed "")
    foreach(_f IN LISTS _files)
        _fingerprint("${_destdir}${dir}/${_f}" _cur)
        _fingerprint("${FTPLENS_PROFILE_SRC}/${_f}" _new)
        if(_cur STREQUAL "absent")
            list(APPEND _differs ${_f})
            continue()
        endif()
        list(APPEND _present ${_f})
        if(NOT _cur STREQUAL _new)
            list(APPEND _differs ${_f})
            list(FIND _recorded "${_f} ${_cur}" _i)
            if(_i LESS 0)
                list(APPEND _changed ${_f})
            endif()
        endif()
    endforeach()
    if(NOT _present)
        _install_all("${dir}")
        set(${out} installed PARENT_SCOPE)
    elseif(NOT _differs)
        _write_marker("${dir}")
        set(${out} "already the shipped one" PARENT_SCOPE)
    elseif(NOT _changed)
        _update("${dir}")
        set(${out} updated PARENT_SCOPE)
    else()
        string(REPLACE ";" ", " _changed "${_changed}")
        set(${out} "kept ${_changed}" PARENT_SCOPE)
    endif()
endfunction()

if(FTPLENS_PROFILE_SCOPE STREQUAL "global")
    set(_name "FTP Lab (all users, ftplens ${FTPLENS_VERSION})")
    file(GLOB _old LIST_DIRECTORIES true "${_destdir}${FTPLENS_PROFILE_ROOT}/FTP Lab (all users, *")
    foreach(_d IN LISTS _old)
        get_filename_component(_n "${_d}" NAME)
        if(NOT _n STREQUAL _name AND EXISTS "${_d}/${_marker}")
            file(REMOVE_RECURSE "${_d}")
            _say("removed the older global profile \"${_n}\"")
        endif()
    endforeach()
    _install_all("${FTPLENS_PROFILE_ROOT}/${_name}")
    _say("profile for all users: \"${_name}\" in ${FTPLENS_PROFILE_ROOT}")
    # Earlier builds installed the global profile as "FTP Lab": removed when its files are as shipped.
    set(_plain "${_destdir}${FTPLENS_PROFILE_ROOT}/FTP Lab")
    if(EXISTS "${_plain}/preferences")
        set(_ours TRUE)
        foreach(_f preferences colorfilters)
            _fingerprint("${_plain}/${_f}" _cur)
            list(FIND _shipped_before "${_f} ${_cur}" _i)
            if(_i LESS 0)
                set(_ours FALSE)
            endif()
        endforeach()
        if(_ours)
            file(REMOVE_RECURSE "${_plain}")
            _say("removed the global \"FTP Lab\" profile an earlier ftplens build installed")
        else()
            _say("note: ${FTPLENS_PROFILE_ROOT}/FTP Lab is a global profile with the personal profile's name: "
                 "remove it if nobody uses it")
        endif()
    endif()
else()
    _personal("FTP Lab" _state)
    set(_dir "${FTPLENS_PROFILE_ROOT}/FTP Lab")
    if(_state MATCHES "^kept (.*)")
        set(_kept "${CMAKE_MATCH_1}")
        set(_side "FTP Lab (ftplens ${FTPLENS_VERSION})")
        _personal("${_side}" _side_state)
        _say("your \"FTP Lab\" profile (${_dir}) was changed (${_kept}): left as it is")
        if(_side_state MATCHES "^kept (.*)")
            _say("\"${_side}\" was changed too (${CMAKE_MATCH_1}): left as it is (the shipped files are in "
                 "${FTPLENS_PROFILE_SRC})")
        else()
            _say("the shipped profile is \"${_side}\" (${_side_state}): pick it in Edit > Configuration Profiles, "
                 "or delete \"FTP Lab\" and install again to get it under that name")
        endif()
    else()
        _say("profile \"FTP Lab\" ${_state}: ${_dir}")
    endif()
endif()

get_property(_installed GLOBAL PROPERTY _ftplens_profile_files)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES ${_installed})
