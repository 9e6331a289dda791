import { prettyFactory } from 'pino-pretty';

const colours = [36, 35, 33, 32, 34, 31, 96, 95];
const width = 17;

/** Formats the JSON log lines of the stack's processes as prefixed, readable lines. */
export function createLineFormatter(options: { colour: boolean }) {
  const pretty = prettyFactory({
    colorize: options.colour,
    ignore: 'pid,hostname,service',
    translateTime: 'HH:MM:ss.l',
    singleLine: true,
  });
  const assigned = new Map<string, number>();
  return (name: string, line: string): string => {
    if (!assigned.has(name)) assigned.set(name, colours[assigned.size % colours.length] as number);
    const label = name.padEnd(width);
    const prefix = options.colour ? `\u001b[${assigned.get(name)}m${label}\u001b[0m│ ` : `${label}│ `;
    const text = line.startsWith('{') ? pretty(line).trimEnd() : line;
    return prefix + text;
  };
}
