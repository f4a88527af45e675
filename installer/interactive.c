/* Placeholder until the dialog screens land: says so, as the install used to. */
#include "interactive.h"
#include "report.h"

int
interactive_install(void)
{
	return failed("the interactive installer (atoll.install) is not in this build yet; "
	    "boot with answerfile=URL");
}
