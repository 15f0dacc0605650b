# expect: twice.profile:5: 'lengths' given twice
universe = 0 100
lengths = 1 2
mix = find:1
lengths = 3 4
