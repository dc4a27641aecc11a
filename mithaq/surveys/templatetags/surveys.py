"""Showing survey figures: a share as a percentage, a mean with one decimal."""

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def mean(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
