"""The no-model assistant: the planner reads a question, the writer answers from tool results.

`intent` (the Plan), `words` (word tables), `english` and `chinese` (reading a question),
`planner` (the plan), `followup` (continuing a conversation) and `writer` (the answer). Imports
point right: backends -> offline -> tools -> providers; nothing here imports `weatherbot.backends`.
"""
