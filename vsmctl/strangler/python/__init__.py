"""The Python codemod backend: libcst transforms that move modules and rewrite their imports."""
