"""Every workaround for a Faust 0.15 / aiokafka 0.14 defect, and nothing else.

This package is the only code allowed to touch the libraries' private state (ruff's
SLF rule is lifted here alone); :mod:`.private_attributes` lists what it touches and
``tests/test_faust_fixes.py`` fails when an upgrade renames any of it. The pin in
``pyproject.toml`` (faust-streaming 0.15.x, aiokafka < 0.15) is the validated range.

Index, one entry per defect: symptom, upstream report, fix, proof, removal.

1. **Table writes need a current event that batch loops do not have.**
   Symptom: ``table[key] = value`` inside ``stream.take_events`` raises "Cannot modify
   table key from outside of stream iteration" (upstream faust-streaming#497).
   Fix: :mod:`.current_event` names the event, per input partition, in
   :mod:`.checkpoint`. Proof: ``tests/test_agents.py``. Remove when Faust sets the
   current event for batches.

2. **The flush before a commit gives up on queued changelog records.**
   Symptom: a worker SIGKILLed on a busy machine lost counts: offsets were committed
   while changelog records still sat in Faust's producer buffer
   (``ProducerBuffer.flush_atmost`` stops after 0.1 s without progress). No upstream
   report found (faust-streaming#273 added the flush). Fix: :mod:`.table_writes` hands
   each changelog record to the Kafka producer in the agent, as :mod:`.direct_send`
   does for events, so the producer flush that precedes a commit covers them. Proof:
   ``tests/e2e/test_faults.py::test_worker_killed_while_processing_500_documents_counts_exactly``
   and ``::test_tables_on_rocksdb_count_exactly_across_a_kill``. Remove when Faust's
   commit waits for its buffer to drain.

3. **A record can be skipped without a trace.**
   Symptom: a restarted worker counted the records before and after one it never
   received; its counts stayed short. Around a rebalance Faust drops records its
   client fetched, and one missing offset at the head of the acknowledged run is
   committed over (upstream faust-streaming#606, fix proposed in #707). Fix:
   :mod:`.continuity` keeps the last offset each stateful agent applied, in the
   ``positions`` table with the state, holds back records past a hole and seeks back
   to it (:mod:`.rewind`); :mod:`.bookkeeping` is its pure part. Proof:
   ``tests/test_continuity.py``, ``tests/test_agents.py`` (hole held back, then
   filled) and ``tests/e2e/test_faults.py::test_records_the_consumer_skipped_are_read_again``.
   Remove when Faust never commits past an undelivered record (#707) and its
   rebalance drops nothing it does not fetch again.

4. **Partitions stop being read after a rebalance.**
   Symptom: after a rebalance a worker never read the partitions it took over, with
   no error logged; the client had fetched them to their end (upstream
   faust-streaming#629). Fix: :mod:`.watchdog` watches input partitions that lag
   without moving and seeks the client back, then resumes and rejoins the group;
   :mod:`.consumer_state` reads what it needs. Proof: ``tests/test_watchdog.py``
   (each remedy on a consumer and client double) and the Apache Kafka scaling tests
   (``tests/e2e/test_scale.py``). Remove with #629.

5. **A graceful stop can lose documents.**
   Symptom: after Faust's own stop (revoke, commit, flush) a few files events were
   committed whose outputs never reached the broker. No upstream report found. Fix:
   :mod:`.worker` makes a stop a clean crash: flush the producer, exit without
   committing; counting is idempotent, so the next owner's replay changes nothing.
   Proof: the SIGTERM stops in ``tests/e2e/test_pipeline.py`` and
   ``tests/e2e/test_scale.py``. Remove when Faust's stop flushes before it commits.

6. **Records handed to the producer in order are not delivered in order.**
   Symptom: a worker SIGKILLed right after a batch lost that batch's mentions for good:
   its ``positions`` record had reached the broker, its mentions had not, and the next
   owner trusted the positions. The producer sends each partition's batch when its
   linger ends, so a record appended to an older batch overtakes earlier records for
   other partitions. No upstream report (it is how the producer batches). Fix:
   :mod:`.checkpoint` waits for the outputs to be acknowledged
   (:func:`.direct_send.deliver`) before it sends the state and the positions. Proof:
   ``tests/test_agents.py::test_state_and_positions_follow_the_delivered_outputs`` and
   ``tests/e2e/test_faults.py::test_worker_killed_while_processing_500_documents_counts_exactly``.
   Remove never: it is the order a consumer-side state needs with any producer.

7. **Sending through Faust costs more than parsing.**
   Not a defect but a cost: ``Topic.send`` wraps each record in futures, codecs and
   sensors. :mod:`.direct_send` hands serialised records to the same producer. Proof:
   ``benchmarks/`` (documents per second) and every e2e test that reads the outputs.

Faust's ``exactly_once`` guarantee is not used (transactional producers are chosen by
destination partition, which fails for re-keyed outputs); counting is made idempotent
instead (see ``agents/counting/records.py`` and ``docs/guarantees.md``).
"""
