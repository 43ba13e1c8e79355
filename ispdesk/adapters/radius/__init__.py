"""FreeRADIUS: the rlm_sql tables (layout shipped by FreeRADIUS 3.2) and the CoA/Disconnect client."""
