"""The pipeline: ``Scenario × Device`` jobs → walk → checks → gate → report files.

    plan.py       jobs and the options of one run (AuditOptions)
    pipeline.py   audit(): walk (serial here), check_run(), the gate's seam, write the report
    workers.py    ``--workers N``: the walk in spawned processes, one browser each
    shard.py      ``--shard I/N``: a deterministic slice of the jobs
    merge.py      ``auditor merge``: shard runs → one judged run
    phases.py     wall time per phase, for the benchmark
"""
