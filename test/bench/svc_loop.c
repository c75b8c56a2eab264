/* Exception benchmark: one million SVC round trips (entry + return). */
int main(void)
{
    for (int i = 0; i < 1000000; i++) {
        __asm__ volatile("svc #0" ::: "memory");
    }
    return 0;
}
