#!/usr/bin/env bash
# Times `surveys score` over 100,000 JSON lines (a mix of all seven instruments, including incomplete and invalid
# lines). Usage: bash tests/Surveys.Benchmarks/score-100k.sh [lines]
set -euo pipefail
cd "$(dirname "$0")/../.."
lines="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build -c Release services/Surveys.Cli -v quiet -nologo >/dev/null
exe=services/Surveys.Cli/bin/Release/net10.0/surveys

samples=(
  '{"instrument":"phq9","answers":{"1":1,"2":2,"3":0,"4":3,"5":1,"6":2,"7":0,"8":1,"9":1,"10":1}}'
  '{"instrument":"gad7","answers":{"1":0,"2":0,"3":1,"4":1,"5":0,"6":1,"7":0}}'
  '{"instrument":"who5","answers":{"1":2,"2":2,"3":3,"4":2,"5":3}}'
  '{"instrument":"paid20","answers":{"1":3,"2":0,"3":1,"4":2,"5":0,"6":0,"7":1,"8":2,"9":4,"10":1,"11":2,"12":0,"13":4,"14":1,"15":2,"16":0,"17":3,"18":2,"19":0,"20":1}}'
  '{"instrument":"paid5","answers":{"1":2,"2":1,"3":3,"4":0,"5":2}}'
  '{"instrument":"gold","answers":{"1":4}}'
  '{"instrument":"t1d_diary","answers":{"1":0,"2":1,"3":2,"4":0,"5":2,"6":2,"7":0,"8":0,"9":0,"10":1,"11":3,"12":0,"13":42.5}}'
  '{"instrument":"phq9","answers":{"1":1,"2":2,"3":0,"4":3,"5":1,"6":2,"7":0}}'
  '{"instrument":"phq9","answers":{"9":2}}'
  '{"instrument":"gad7","answers":{"1":4,"2":0.5}}'
)
# Build the input with a shell loop over the samples (10 per block), then repeat the block.
block="$work/block.jsonl"
for s in "${samples[@]}"; do printf '%s\n' "$s"; done > "$block"
for ((i = 0; i < lines / ${#samples[@]}; i++)); do cat "$block"; done > "$work/in.jsonl"

echo "input: $(wc -l < "$work/in.jsonl") lines, $(wc -c < "$work/in.jsonl") bytes"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s elapsed, %U s user, %M KB max RSS" "$exe" score < "$work/in.jsonl" > "$work/out.jsonl"
done
echo "output: $(wc -l < "$work/out.jsonl") lines"
grep -o '"status":"[a-z]*"' "$work/out.jsonl" | sort | uniq -c
