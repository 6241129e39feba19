#!/bin/sh
# Builds bench/html_compare and prints the figures of docs/crawl-html.md:
# the corpus scores of both candidates, MB/s on a 50 MiB page, and peak
# RSS for a 1 MiB and a 100 MiB page.
#   bench/html_compare.sh [OUTDIR]
set -eu
cd "$(dirname "$0")/.."
out=${1:-build/bench}
mkdir -p "$out"
cc -O2 -g -Wall -Wextra -o "$out/html_compare" bench/html_compare.c \
    src/crawl/html.c src/crawl/html_tok.c src/crawl/html_tag.c \
    src/crawl/html_ref.c src/base/buf.c \
    -Isrc/crawl -Isrc/base -Itests/html $(pkg-config --cflags --libs libxml-2.0)
"$out/html_compare" corpus tests/html/corpus.txt
for c in ours libxml2; do
	"$out/html_compare" speed $c 50
	"$out/html_compare" speed $c 1
	"$out/html_compare" speed $c 100
done
