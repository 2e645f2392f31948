// Settings → PII redaction: on/off, which detectors, and custom patterns (checked as they are typed, with the
// engine's own validator, so a pattern the engine would refuse shows why before Save).
import type { BuiltinPiiType, CustomPatternSpec, EngineSettings } from '../../../engine/api/index.ts';
// Plain code (no I/O): the same checks the engine runs on save.
import { BUILTIN_PII_TYPES, customDetector } from '../../../engine/public.ts';
import './redaction.css';

const TYPE_LABELS: Record<BuiltinPiiType, string> = {
  email: 'Email addresses',
  'email-spelled': 'Spelled-out addresses (“jane at example dot com”; may catch ordinary prose)',
  phone: 'Phone numbers',
  card: 'Payment card numbers (Luhn-checked)',
  iban: 'IBANs (checksum-checked)',
  ssn: 'US Social Security numbers',
  ip: 'IP addresses',
};

type Redaction = Pick<EngineSettings, 'redactPii' | 'redactTypes' | 'redactCustom'>;

/** Why a custom pattern would be refused, or undefined when it is fine. */
export function patternProblem(spec: CustomPatternSpec): string | undefined {
  if (!spec.label.trim()) return 'Give the pattern a label (it names the redaction in reports).';
  if (!spec.pattern) return 'Enter a pattern.';
  try {
    customDetector(spec);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function RedactionFields({
  value,
  onChange,
}: {
  value: Redaction;
  onChange: (next: Partial<Redaction>) => void;
}) {
  const toggleType = (type: BuiltinPiiType, on: boolean) =>
    onChange({
      redactTypes: on
        ? BUILTIN_PII_TYPES.filter((t) => t === type || value.redactTypes.includes(t))
        : value.redactTypes.filter((t) => t !== type),
    });
  const setPattern = (index: number, patch: Partial<CustomPatternSpec>) =>
    onChange({ redactCustom: value.redactCustom.map((spec, i) => (i === index ? { ...spec, ...patch } : spec)) });

  return (
    <fieldset className="settings__group" data-testid="settings-redaction">
      <legend>PII redaction</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={value.redactPii}
          onChange={(e) => onChange({ redactPii: e.target.checked })}
          data-testid="setting-redact"
        />
        <span>
          Redact personal data in documents added from now on
          <span className="field__hint">
            Detected values are replaced by placeholders such as [EMAIL] before anything is stored or indexed: the
            originals are never kept. Documents already in the library are not changed.
          </span>
        </span>
      </label>
      <div className="check-grid" aria-label="Detectors">
        {BUILTIN_PII_TYPES.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              checked={value.redactTypes.includes(type)}
              disabled={!value.redactPii}
              onChange={(e) => toggleType(type, e.target.checked)}
              data-testid={`setting-redact-${type}`}
            />
            <span>{TYPE_LABELS[type]}</span>
          </label>
        ))}
      </div>
      <div className="custom-patterns">
        <span className="field__label">Custom patterns (regular expressions, redacted as [CUSTOM])</span>
        {value.redactCustom.map((spec, index) => {
          const problem = patternProblem(spec);
          return (
            <div key={index} className="field-row custom-pattern" data-testid="custom-pattern">
              <label className="field">
                <span className="field__label">Label</span>
                <input
                  value={spec.label}
                  onChange={(e) => setPattern(index, { label: e.target.value })}
                  data-testid="custom-pattern-label"
                />
              </label>
              <label className="field">
                <span className="field__label">Pattern</span>
                <input
                  value={spec.pattern}
                  spellCheck={false}
                  aria-invalid={problem ? true : undefined}
                  onChange={(e) => setPattern(index, { pattern: e.target.value })}
                  data-testid="custom-pattern-source"
                />
              </label>
              <button
                type="button"
                className="button button--small button--quiet"
                aria-label={`Remove pattern ${spec.label || index + 1}`}
                onClick={() => onChange({ redactCustom: value.redactCustom.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
              {problem && (
                <p className="alert custom-pattern__error" role="alert" data-testid="custom-pattern-error">
                  {problem}
                </p>
              )}
            </div>
          );
        })}
        <button
          type="button"
          className="button button--small"
          onClick={() => onChange({ redactCustom: [...value.redactCustom, { label: '', pattern: '' }] })}
          data-testid="custom-pattern-add"
        >
          Add a pattern
        </button>
      </div>
    </fieldset>
  );
}

/** True when every custom pattern would be accepted. */
export function redactionValid(value: Redaction): boolean {
  return value.redactCustom.every((spec) => !patternProblem(spec));
}
