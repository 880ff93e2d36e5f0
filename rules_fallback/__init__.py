"""The rule layer: a complete parser of its own (``nianbao parse --system rules``) and the model's partner.

It finds the three tables, detects the template, reads every printed row into labelled cells, maps cells
of any labeller to the schema's fields, normalises values and checks the template's arithmetic; and it
tells the model what it knows of a report's tables (``readings``: where each row is printed, which cuts
of a glued row add up), so the model only has to find cells.  It imports only the core (``nianbao``'s
schema, records, text and contracts), never the model.
"""
