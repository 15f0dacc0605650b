# The trap of first fit done by scanning: 100,000 tiny free fragments (8
# points every 16) and one big span at the far end. Finds and best fits ask
# for 64..256 points, which only the far span holds, starting anywhere among
# the fragments; a little reserve/release churn of 1..4 points keeps the
# fragments changing without letting them grow into fits.
description = one fitting span behind 100k fragments: 70% find, 10% bestfit, 10% reserve, 10% release
universe = 0 2_600_000
initial = fragments 100_000 8 16 1_000_000
mix = find:70 bestfit:10 reserve:10 release:10
starts = 0 1_599_990
lengths = 1 4
find_lengths = 64 256
ops = 10_000
