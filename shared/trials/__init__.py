"""Clinical trials: records (participants, visits, measurements, adverse events), related files, the weekly report."""
