"""Insights for staff: what people ask, in which language, and what the assistant could not answer.

`python -m tools.insights` (`make insights`) reads the tracker store the assistant runs on in
one streaming pass and writes an HTML report and a CSV of the unanswered questions. One module
per concern: `store` (reading), `turns` (events into user turns), `unanswered` (what counts as
not answered), `aggregate` (counts), `privacy` (masking, pseudonyms), `clusters`
(near-duplicates), `charts` and `render` (output).
"""
