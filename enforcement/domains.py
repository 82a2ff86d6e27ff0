"""Enforcement domains (执法领域). The codes are a contract: authority imports use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    CITY_MANAGEMENT = "city_management", _("City management")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    EMERGENCY = "emergency", _("Emergency management")
    WATER = "water", _("Water")
    ENVIRONMENT = "environment", _("Ecology and environment")
    MARKET = "market", _("Market regulation")
    AGRICULTURE = "agriculture", _("Agriculture")
    NATURAL_RESOURCES = "natural_resources", _("Planning and natural resources")
    HOUSING_CONSTRUCTION = "housing_construction", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    HEALTH = "health", _("Health")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    FORESTRY = "forestry", _("Forestry")
    PUBLIC_SECURITY_ADMIN = "public_security_admin", _("Public security administration")


# The district department that keeps each domain's items by default (区级部门).
DEPARTMENT_NAMES: dict[str, tuple[str, str]] = {
    Domain.CITY_MANAGEMENT: ("城市管理局", "Urban Management Bureau"),
    Domain.FIRE_SAFETY: ("消防救援支队", "Fire and Rescue Brigade"),
    Domain.EMERGENCY: ("应急管理局", "Emergency Management Bureau"),
    Domain.WATER: ("水利局", "Water Resources Bureau"),
    Domain.ENVIRONMENT: ("生态环境局", "Ecology and Environment Bureau"),
    Domain.MARKET: ("市场监督管理局", "Market Regulation Bureau"),
    Domain.AGRICULTURE: ("农业农村委员会", "Agriculture and Rural Affairs Commission"),
    Domain.NATURAL_RESOURCES: ("规划和自然资源局", "Planning and Natural Resources Bureau"),
    Domain.HOUSING_CONSTRUCTION: ("住房和城乡建设委员会", "Housing and Urban-Rural Development Commission"),
    Domain.TRANSPORT: ("交通运输委员会", "Transport Commission"),
    Domain.HEALTH: ("卫生健康委员会", "Health Commission"),
    Domain.CULTURE_TOURISM: ("文化和旅游发展委员会", "Culture and Tourism Commission"),
    Domain.CIVIL_AFFAIRS: ("民政局", "Civil Affairs Bureau"),
    Domain.FORESTRY: ("林业局", "Forestry Bureau"),
    Domain.PUBLIC_SECURITY_ADMIN: ("公安分局", "Public Security Sub-bureau"),
}
