#!/usr/bin/env bash
# Minimises each target's corpus with libFuzzer's merge (`cargo fuzz cmin`) and keeps, for the
# checked-in copy, the seeds (fuzz/seeds/<target>/, from real fixtures) plus the smallest
# minimised inputs up to a per-target byte budget, so the repository stays small (~2 MB in all).
# Usage (from fuzz/): ./select_corpus.sh TARGET BUDGET_BYTES
set -euo pipefail
target=$1
budget=$2
dir=corpus/$target
cargo +nightly fuzz cmin -O "$target" "$dir" -- -timeout=30 >"/tmp/cmin-$target.log" 2>&1
echo "$target: $(ls "$dir" | wc -l) inputs, $(du -sb "$dir" | cut -f1) bytes after cmin"
keep=$(mktemp -d)
used=0
for seed in seeds/"$target"/*; do
  cp "$seed" "$keep/"
  used=$((used + $(stat -c %s "$seed")))
done
seed_hashes=$(sha1sum seeds/"$target"/* | cut -d' ' -f1)
while read -r size file; do
  if [ $((used + size)) -gt "$budget" ]; then break; fi
  # libFuzzer names inputs by their SHA-1: skip the seeds' own copies.
  if grep -qx "$(basename "$file")" <<<"$seed_hashes"; then continue; fi
  cp "$file" "$keep/"
  used=$((used + size))
done < <(find "$dir" -type f -printf '%s %p\n' | sort -n)
rm -rf "$dir"
mv "$keep" "$dir"
chmod 755 "$dir"
echo "$target: kept $(ls "$dir" | wc -l) inputs, $used bytes"
