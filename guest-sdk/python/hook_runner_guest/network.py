"""Helpers on the network objects and services of access requests."""

import ipaddress
from typing import Optional

from ._bindings import api_types

NetworkObject = api_types.NetworkObject
Service = api_types.Service


def is_any(item: "NetworkObject | Service") -> bool:
    """Return True for a network object or service of kind `ANY`."""
    return item.kind.upper() == "ANY"


def is_internet(obj: NetworkObject) -> bool:
    """Return True for an object of kind `INTERNET` (any public address)."""
    return obj.kind.upper() == "INTERNET"


def prefix_len(obj: NetworkObject) -> Optional[int]:
    """Return the prefix length of the object's dotted netmask
    (`255.255.0.0` is 16), or None when it has no netmask or the netmask is
    not a dotted IPv4 mask whose one bits are contiguous from the left."""
    if obj.netmask is None:
        return None
    try:
        mask = int(ipaddress.IPv4Address(obj.netmask.strip()))
    except ValueError:
        return None
    ones = 32 - (~mask & 0xFFFFFFFF).bit_length()
    contiguous = mask == (0xFFFFFFFF << (32 - ones)) & 0xFFFFFFFF
    return ones if contiguous else None


def host_address(obj: NetworkObject) -> Optional[str]:
    """Return the address of an object that names one host: an IP address
    with no netmask or a /32 netmask. Return None for ranges, subnets, ANY
    and named objects."""
    if obj.ip_address is None or is_any(obj) or is_internet(obj):
        return None
    if obj.netmask is not None and prefix_len(obj) != 32:
        return None
    return obj.ip_address.strip()


def describe_object(obj: NetworkObject) -> str:
    """Format the object as SecureChange users read it: `ANY`, `Internet`,
    `10.0.0.0/8`, an address, or the object's name."""
    if is_any(obj):
        return "ANY"
    if is_internet(obj):
        return "Internet"
    if obj.ip_address is not None:
        if obj.netmask is None:
            return obj.ip_address
        prefix = prefix_len(obj)
        if prefix is None:
            return f"{obj.ip_address} netmask {obj.netmask}"
        return f"{obj.ip_address}/{prefix}"
    if obj.name is not None:
        return obj.name
    return obj.kind


def describe_service(service: Service) -> str:
    """Format the service as `ANY`, `tcp/443`, `udp` or the service's name."""
    if is_any(service):
        return "ANY"
    if service.protocol is not None and service.port is not None:
        return f"{service.protocol.lower()}/{service.port}"
    if service.name is not None:
        return service.name
    if service.protocol is not None:
        return service.protocol.lower()
    return service.kind
