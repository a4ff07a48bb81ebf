"""Diagram interchange for processes written by hand: a layered left-to-right layout that bpmn-js can draw."""

from .layered import (
    CHANNEL_H,
    GAP_X,
    HOST_EXTRA,
    POOL_HEAD,
    ROW_H,
    TRACK,
    X0,
    Box,
    Grid,
    Layout,
    Plan,
    Point,
    layout,
)
from .model import BPMNDI, DC, DI, MODEL, NS, Element, Flow, Graph
from .writer import ensure_diagram

__all__ = [
    "BPMNDI",
    "CHANNEL_H",
    "DC",
    "DI",
    "GAP_X",
    "HOST_EXTRA",
    "MODEL",
    "NS",
    "POOL_HEAD",
    "ROW_H",
    "TRACK",
    "X0",
    "Box",
    "Element",
    "Flow",
    "Graph",
    "Grid",
    "Layout",
    "Plan",
    "Point",
    "ensure_diagram",
    "layout",
]
