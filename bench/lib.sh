# shellcheck shell=bash
# bench/lib.sh: what the benchmark scripts share (sourced, not run; bash).
#
#   ibid_build_release ROOT BUILD
#     configures ibid in release mode into BUILD (-DIBID_TESTS=OFF -DIBID_INDEX_CORPUS=OFF: a
#     folder of its own), builds ibid-index and ibid-search (-j2), and compiles
#     bench/ibid_qbench.c against BUILD's libraries into BUILD/ibid_qbench (-O2, warnings are
#     errors).  ROOT is the repository.  cmake's output is thrown away; the first command that
#     fails ends the caller (set -e) with its status.

ibid_build_release() { # ROOT BUILD
  local root="$1" build="$2" libs
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DIBID_TESTS=OFF -DIBID_INDEX_CORPUS=OFF >/dev/null
  cmake --build "$build" -j2 --target ibid-index ibid-search >/dev/null
  libs="$(pkg-config --libs zlib libutf8proc libdeflate jansson libxxhash) -lstemmer -lm"
  # shellcheck disable=SC2086
  (cd "$root" &&
   cc -std=c11 -O2 -DNDEBUG -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
      -Icommon -Isearcher -Ibench/peers bench/ibid_qbench.c bench/peers/peer_common.c \
      "$build/libibid_searcher.a" "$build/libibid_common.a" $libs -o "$build/ibid_qbench")
}
