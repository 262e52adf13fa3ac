/* ftplens_tap.h - the "ftplens" tap, -z ftplens,report and the FTP Lens
 * statistics tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_TAP_H
#define FTPLENS_TAP_H

#include <epan/packet.h>

#include "ftplens_core.h"

void ftplens_tap_register(ftplens_capture **capture);
/* Every pass, for every frame that shows FTP Lens fields. */
void ftplens_tap_queue(packet_info *pinfo, const ftplens_frame *f);
/* Whether -z ftplens,report asked for the lab report (read when a capture starts). */
bool ftplens_tap_report_wanted(void);

#endif
