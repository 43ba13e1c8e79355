"""Area UI modules.

One module per area; each registers its tabs, menu actions, contract actions and panels in
`ispdesk.ui.registry` when imported.
"""
