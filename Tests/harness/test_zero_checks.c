/* Fixture for Tests/harness/run.sh: a program that runs no check must fail. */
#include "check.h"

int main(void)
{
	return check_report();
}
