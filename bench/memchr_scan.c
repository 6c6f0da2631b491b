/* memchr-scan: the ceiling for smtp-bench. Reads FILE into memory and counts
 * lines with memchr, best of 3 runs on the monotonic clock, and prints
 *   MB/s=<n> items/s=<n> items=<n>
 * with items = lines. No checks at all: the speed of finding line ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Not inlined: instruction counts (bench/compare.sh, callgrind) look at it alone. */
__attribute__((noinline)) static unsigned long long CountLines(const char* p, size_t size) {
  const char* const end = p + size;
  unsigned long long lines = 0;
  while (p < end) {
    const char* lf = memchr(p, '\n', (size_t)(end - p));
    if (lf == NULL) break;
    ++lines;
    p = lf + 1;
  }
  return lines;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: memchr-scan FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (f == NULL) {
    fprintf(stderr, "memchr-scan: cannot read %s\n", argv[1]);
    return 2;
  }
  size_t cap = 1 << 20, size = 0;
  char* data = malloc(cap);
  size_t n;
  while (data != NULL && (n = fread(data + size, 1, cap - size, f)) > 0) {
    size += n;
    if (size == cap) data = realloc(data, cap *= 2);
  }
  fclose(f);
  if (data == NULL) return 2;

  double best = 0;
  unsigned long long lines = 0;
  for (int run = 0; run < 3; ++run) {
    const double start = Now();
    lines = CountLines(data, size);
    const double elapsed = Now() - start;
    if (run == 0 || elapsed < best) best = elapsed;
  }
  printf("MB/s=%.1f items/s=%.0f items=%llu\n", (double)size / 1e6 / best, (double)lines / best,
         lines);
  free(data);
  return 0;
}
