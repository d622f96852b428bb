"""What a step changed: the files, the strings it rewrote or could not be sure of, notes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StepReport:
    changed_files: list[str] = field(default_factory=list)
    uncertain_strings: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, value)
    rewritten_strings: list[tuple[str, int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # documentation (docs/*.rst, *.md) naming moved modules: prose and history are the user's to
    # edit, never rewritten; listed by the step and by finish
    doc_references: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, text)

    def merge(self, other: StepReport) -> StepReport:
        self.changed_files += other.changed_files
        self.uncertain_strings += other.uncertain_strings
        self.rewritten_strings += other.rewritten_strings
        self.notes += other.notes
        self.doc_references += other.doc_references
        return self
