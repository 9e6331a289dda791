const brand = Symbol.for('skico.TopologyMismatch');

/**
 * The broker refused a declaration because the queue or exchange already exists with other arguments
 * (406 PRECONDITION_FAILED, "inequivalent arg"). Retrying cannot help: the broker keeps the arguments an
 * entity was created with, so the declaration or the entity has to change.
 */
export class TopologyMismatch extends Error {
  readonly [brand] = true;
  readonly argument: string;
  readonly entity: string;
  readonly declared: string;
  readonly current: string;
  constructor(
    fields: { argument: string; kind: string; entity: string; declared: string; current: string },
    cause: unknown,
  ) {
    super(
      `${fields.kind} '${fields.entity}' exists with ${fields.argument} = ${fields.current}, but this process declares ` +
        `${fields.declared}. A ${fields.kind} keeps the arguments it was created with: configure the existing value ` +
        `again, or move its messages off and delete the ${fields.kind} so that it is declared anew with the new one. ` +
        'Not reconnecting until then.',
      { cause },
    );
    this.name = 'TopologyMismatch';
    this.argument = fields.argument;
    this.entity = fields.entity;
    this.declared = fields.declared;
    this.current = fields.current;
  }
}

export function isTopologyMismatch(e: unknown): e is TopologyMismatch {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

// The broker's wording, the same in 3.x and 4.x: "inequivalent arg 'x-delivery-limit' for queue 'q' in
// vhost '/': received '5' but current is '10'" (a value may also read "none" or "the value '10' of type 'long'").
const inequivalent =
  /inequivalent arg '([^']+)' for (queue|exchange) '([^']+)' in vhost '[^']*': received (.+?) but current is (.+?)"?$/;
const shownValue = (text: string) =>
  text === 'none' ? 'none (the broker default)' : (/'([^']*)'/.exec(text)?.[1] ?? text);

/** The declaration error as a TopologyMismatch, or undefined when `err` is anything else. */
export function topologyMismatchOf(err: unknown): TopologyMismatch | undefined {
  if (isTopologyMismatch(err)) return err;
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== 406) return undefined;
  const match = inequivalent.exec(err.message);
  if (!match) return undefined;
  const [, argument = '', kind = '', entity = '', received = '', current = ''] = match;
  return new TopologyMismatch(
    { argument, kind, entity, declared: shownValue(received), current: shownValue(current) },
    err,
  );
}
