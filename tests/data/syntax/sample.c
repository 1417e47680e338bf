#include <stdio.h>
#define MAX 10 /* limit */
/* a block
   comment */
static int add(int a, unsigned long b)
{
    const char *s = "tab\there \"q\"";
    char c = '\n';
    if (a > 0x1F && b != 2.5e3) // note
        return printf("%d\n", a);
    return NULL == s ? -1 : 0;
}
