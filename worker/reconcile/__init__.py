"""The reconciler: periodic passes that leave no paid order behind (SPEC §6)."""
