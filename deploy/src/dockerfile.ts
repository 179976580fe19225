/** One build stage of the Dockerfile, with what it inherits from the stage it is built FROM. */
export interface DockerStage {
  readonly name: string | undefined;
  readonly from: string;
  readonly env: Record<string, string>;
  readonly user: string | undefined;
  readonly cmd: string[] | undefined;
  readonly expose: number[];
  /** The HEALTHCHECK command line (after CMD), or undefined. */
  readonly healthcheck: string | undefined;
}

interface Instruction {
  readonly keyword: string;
  readonly argument: string;
}

/**
 * Reads a Dockerfile's stages: FROM (with ARG defaults substituted), ENV, USER, CMD (exec form),
 * EXPOSE and HEALTHCHECK, each stage starting from what its parent stage set. Continuation lines
 * are joined and heredoc bodies skipped; enough to check what each target runs, not a builder.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  let current: DockerStage | undefined;
  for (const { keyword, argument } of instructions(text)) {
    if (keyword === 'ARG' && !current) {
      const [name, value] = argument.split('=', 2);
      if (name && value !== undefined) args[name] = value;
    } else if (keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argument);
      if (!match) throw new Error(`FROM ${argument}: not understood`);
      const from = match[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
      const parent = stages.find((stage) => stage.name === from);
      current = {
        name: match[2],
        from,
        env: { ...parent?.env },
        user: parent?.user,
        cmd: parent?.cmd,
        expose: [...(parent?.expose ?? [])],
        healthcheck: parent?.healthcheck,
      };
      stages.push(current);
    } else if (!current) {
      continue;
    } else if (keyword === 'ENV') {
      for (const [, name, value] of argument.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
        current.env[name!] = value!.replace(/^"|"$/g, '');
      }
    } else if (keyword === 'USER') {
      current = { ...current, user: argument };
      stages[stages.length - 1] = current;
    } else if (keyword === 'CMD') {
      current = { ...current, cmd: JSON.parse(argument) as string[] };
      stages[stages.length - 1] = current;
    } else if (keyword === 'EXPOSE') {
      current.expose.push(...argument.split(/\s+/).map((port) => Number.parseInt(port, 10)));
    } else if (keyword === 'HEALTHCHECK') {
      const command = /\bCMD\s+(.*)$/.exec(argument);
      current = { ...current, healthcheck: command ? command[1] : undefined };
      stages[stages.length - 1] = current;
    }
  }
  return stages;
}

function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    }
    const heredoc = /<<-?'?"?(\w+)'?"?/.exec(line);
    if (heredoc) {
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== heredoc[1]) i++;
      i++;
    }
    const match = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (match) result.push({ keyword: match[1]!.toUpperCase(), argument: match[2]!.trim() });
  }
  return result;
}
