import { parse } from 'csv-parse/sync';
import { DomainError, StudentInput } from '@fidelis/contracts';

/** The columns a roster CSV may have, named in its header row; `id` and `name` are required. */
export const STUDENT_CSV_COLUMNS = ['id', 'name', 'email', 'smsPhone', 'timezone'] as const;
const REQUIRED: readonly string[] = ['id', 'name'];

/** The rows of a roster CSV, and the line of the file each one starts on (1-based). */
export interface StudentsCsv {
  rows: StudentInput[];
  lines: number[];
}

/**
 * Reads a roster CSV (RFC 4180: a header row, quoted fields with commas, quotes and line breaks,
 * CRLF or LF, a byte-order mark) into the rows an import takes. Blank lines are skipped; a row
 * with more or fewer fields than the header, an unknown or missing column, or broken quoting is
 * refused with the line it is on. The fields themselves are checked by the import, row by row.
 */
export function parseStudentsCsv(text: string): StudentsCsv {
  let records: { record: Record<string, string>; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, {
      columns: checkHeader,
      bom: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n'],
      info: true,
      raw: true,
    });
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // csv-parse names the problem and its line ("Quote Not Closed: … at line 3").
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError('INVALID_INPUT', `the file is not a readable CSV: ${reason}`);
  }
  if (records.length === 0) throw new DomainError('INVALID_INPUT', 'the file has no students');
  return {
    rows: records.map(({ record }) => record as unknown as StudentInput),
    // A quoted field may hold line breaks: the record starts that many lines before it ends.
    lines: records.map(({ info, raw }) => info.lines - (raw.trimEnd().match(/\n/g)?.length ?? 0)),
  };
}

function checkHeader(header: string[]): string[] {
  const names = header.map((name) => name.trim());
  const unknown = names.filter(
    (name) => !(STUDENT_CSV_COLUMNS as readonly string[]).includes(name),
  );
  const missing = REQUIRED.filter((name) => !names.includes(name));
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  const problems = [
    ...unknown.map((name) => `unknown column "${name}"`),
    ...missing.map((name) => `no "${name}" column`),
    ...repeated.map((name) => `column "${name}" appears twice`),
  ];
  if (problems.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `the header row must name the columns ${STUDENT_CSV_COLUMNS.join(',')}: ${problems.join('; ')}`,
    );
  }
  return names;
}
