"""Smithy JSON AST into the neutral model (model.Model). (Filled in below.)"""
