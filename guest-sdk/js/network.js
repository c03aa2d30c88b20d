// Helpers on the network objects and services of access requests.

// Returns true for a network object or service of kind `ANY`.
export const isAny = (item) => item.kind.toUpperCase() === 'ANY';

// Returns true for an object of kind `INTERNET` (any public address).
export const isInternet = (object) => object.kind.toUpperCase() === 'INTERNET';

// Returns the prefix length of the object's dotted netmask (`255.255.0.0` is
// 16), or null when it has none or it is not a contiguous dotted IPv4 mask.
export function prefixLength(object) {
  if (object.netmask == null) return null;
  const parts = object.netmask.trim().split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    return null;
  }
  const mask = parts.reduce((value, part) => value * 256 + Number(part), 0);
  const bits = mask.toString(2).padStart(32, '0');
  const ones = bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
  return bits.slice(ones).includes('1') ? null : ones;
}

// Formats the object as `ANY`, `Internet`, `10.0.0.0/8`, an address or its name.
export function describeObject(object) {
  if (isAny(object)) return 'ANY';
  if (isInternet(object)) return 'Internet';
  if (object.ipAddress != null) {
    if (object.netmask == null) return object.ipAddress;
    const prefix = prefixLength(object);
    return prefix == null ? `${object.ipAddress} netmask ${object.netmask}` : `${object.ipAddress}/${prefix}`;
  }
  return object.name ?? object.kind;
}

// Formats the service as `ANY`, `tcp/443`, `udp` or its name.
export function describeService(service) {
  if (isAny(service)) return 'ANY';
  if (service.protocol != null && service.port != null) {
    return `${service.protocol.toLowerCase()}/${service.port}`;
  }
  return service.name ?? service.protocol?.toLowerCase() ?? service.kind;
}
