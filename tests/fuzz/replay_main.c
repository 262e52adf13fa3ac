/* replay_main.c - runs a libFuzzer harness over files, without libFuzzer: the
 * regular build replays the committed corpora through every harness (ctest
 * fuzz_corpus_*), so the harnesses keep compiling against the core and every
 * saved input keeps passing their checks.  Arguments: files or folders.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replay(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *name;
        unsigned n = 0;
        while (d && (name = g_dir_read_name(d)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            n += replay(child);
            g_free(child);
        }
        if (d)
            g_dir_close(d);
        return n;
    }
    gchar *data;
    gsize len;
    if (!g_file_get_contents(path, &data, &len, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 0;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return 1;
}

int main(int argc, char **argv)
{
    unsigned n = 0;
    for (int i = 1; i < argc; i++)
        n += replay(argv[i]);
    printf("%u inputs replayed\n", n);
    return n ? 0 : 1;
}
