-- Tamper evidence for the audit log: a keyed hash chain over its rows, in
-- seq order. seal(n) = HMAC(SILOOS_AUDIT_KEY, seal(n-1) || row n). Someone
-- who can write to the database but does not hold the key cannot change,
-- remove or insert a sealed row without breaking the chain.
CREATE TABLE audit_seals (
  seq INTEGER PRIMARY KEY NOT NULL,
  chain TEXT NOT NULL,
  sealed_at INTEGER NOT NULL
);

CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
