/* A small program to try flint on: ask the model about it with Ctrl-K. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    int value;
    struct node *next;
};

static struct node *push(struct node *head, int value)
{
    struct node *n = malloc(sizeof *n);
    if (!n) {
        perror("malloc");
        exit(1);
    }
    n->value = value;
    n->next = head;
    return n;
}

static void print_list(const struct node *head)
{
    for (; head; head = head->next)
        printf("%d%s", head->value, head->next ? " -> " : "\n");
}

int main(int argc, char **argv)
{
    struct node *list = NULL;
    for (int i = 1; i < argc; i++)
        list = push(list, atoi(argv[i]));
    print_list(list);
    /* TODO: reverse the list in place and free it */
    return 0;
}
