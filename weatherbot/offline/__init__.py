"""The no-model assistant: the planner reads a question, the writer answers from tool results.

`language` and `matching` (the per-language data files and how their words are found),
`gazetteer`, `places`, `cjk` and `choosing` (which places a question names), `when` (which
days), `planner` and `intent` (the Plan), `calls` (its tool calls), `followup` (continuing a
conversation), and `answer`, `writer`, `advice`, `provenance` and `catalogue` (the answer, in
the question's language). Imports point right: backends -> offline -> tools -> providers;
nothing here imports `weatherbot.backends`.
"""
