"""CodeDesk's window: Qt widgets only. Calls db/ and rules/; never SQL, never a coding rule."""
