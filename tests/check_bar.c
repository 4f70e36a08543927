#include "tests/check-common.h"
int main(void){return 0;}
