/* Fixture for Tests/harness/run.sh: a summary line that counts nothing must fail too,
 * whoever printed it. */
#include <stdio.h>

int main(void)
{
	printf("0 passed, 0 failed\n");
	return 0;
}
