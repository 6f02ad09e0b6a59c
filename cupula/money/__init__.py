"""Follow the money: payments seen by a viewer, traces in time, ownership chains."""
