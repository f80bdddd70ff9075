"""`torchscape audit`: where the catalog and the world disagree, with evidence and, for facts, fixes."""

from torchscape.audit.findings import AuditCode, Finding
from torchscape.audit.report import AuditReport
from torchscape.audit.run import AuditRequest, fixes_of, run_audit

__all__ = ["AuditCode", "AuditReport", "AuditRequest", "Finding", "fixes_of", "run_audit"]
