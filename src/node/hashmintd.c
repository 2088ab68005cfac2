/* hashmintd: the hashmint full node. Everything happens in init.c. */
#include "src/node/init.h"

int main(int argc, char **argv)
{
    return node_main(argc, argv);
}
