import { Card } from '../../components/Card.tsx';
import { InlineField, type InlineOption } from '../../components/InlineField.tsx';
import { ownerOptions, useUserNames, useUsers } from '../users/api.ts';
import { useCustomFields, type CustomField, type CustomObject } from './api.ts';
import { fromText, shown, toText } from './values.ts';

const KINDS: Partial<Record<CustomField['type'], 'text' | 'number' | 'url' | 'select'>> = { number: 'number', url: 'url', picklist: 'select', checkbox: 'select', user: 'select' };
const HINTS: Partial<Record<CustomField['type'], string>> = { date: 'YYYY-MM-DD', currency: 'EUR 1,250.00', multi_picklist: 'Choices separated by ;', lookup: 'Record id' };

/**
 * A record's custom fields as inline fields, in the admin's order. Saving sends only the one value
 * (`custom: {key: value}`); a refusal names `custom.<key>`, which shows under that field.
 */
export function CustomFieldsCard({
  object,
  values,
  readOnly = false,
  onSave,
}: {
  object: CustomObject;
  values: Record<string, unknown> | undefined;
  readOnly?: boolean;
  onSave: (custom: Record<string, unknown>) => Promise<unknown>;
}) {
  const fields = useCustomFields(object);
  const users = useUsers();
  const userName = useUserNames();
  if (fields.length === 0) return null;
  const options = (field: CustomField, current: string): InlineOption[] => {
    const none = { value: '', label: '—' };
    if (field.type === 'checkbox') return [none, { value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
    if (field.type === 'user') return [none, ...ownerOptions(users.data, current || null)];
    return [none, ...field.options.map((option) => ({ value: option, label: option }))];
  };
  return (
    <Card title="More fields">
      {fields.map((field) => {
        const value = values?.[field.key];
        const text = toText(field, value);
        return (
          <div key={field.id} title={field.helpText || undefined}>
            <InlineField
              name={`custom.${field.key}`}
              label={field.required ? `${field.label} *` : field.label}
              kind={KINDS[field.type] ?? 'text'}
              value={text}
              display={shown(field, value, userName)}
              options={options(field, text)}
              placeholder={HINTS[field.type] ?? 'Add…'}
              readOnly={readOnly}
              onSave={(next) => onSave({ [field.key]: fromText(field, next) })}
            />
            {field.helpText && <p className="mt-0.5 text-xs text-slate-400">{field.helpText}</p>}
          </div>
        );
      })}
    </Card>
  );
}
