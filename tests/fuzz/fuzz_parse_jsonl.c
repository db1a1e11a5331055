/* fuzz_parse_jsonl.c - libFuzzer target for ibid_parse_jsonl (indexer/parse_jsonl*.c): the input is a file,
 * sanitized as the indexer would, then parsed; fuzz_parse.h lists what is checked.
 * Build: cmake -DIBID_FUZZ=ON with CC=clang (tests/fuzz/CMakeLists.txt); see docs/robustness.md. */
#include "fuzz_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse_one(ibid_parse_jsonl, data, size, "beir/corpus.jsonl", NULL);
}
