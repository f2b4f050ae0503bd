/** Freezes a JSON value in place, recursively, so stored objects cannot be changed by accident. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** A mutable deep copy of a (possibly frozen) JSON value. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
