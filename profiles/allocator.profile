# A scheduler or port pool: the manager owns exactly [0, 2^20); allocations
# of 1..64 points take the first fit at or after a random point, most of
# them with a deadline (allocate P LEN NOT_AFTER); frees return exactly what
# an earlier allocation or strict reserve obtained; strict reserves of
# random spans succeed only when wholly free (else CONFLICT).
description = allocate/free churn in a 2^20 pool: bounded allocations, exact frees, strict reserves
universe = 0 1_048_576
domain = on
initial = full
mix = allocate-bounded:35 allocate:5 free:40 reserve-covered:10 find-bounded:5 stats:5
starts = 0 1_048_512
lengths = 1 64
window = 4_096
ops = 10_000
