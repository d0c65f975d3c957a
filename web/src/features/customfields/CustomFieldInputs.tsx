import { Field, Input, Select } from '../../components/Field.tsx';
import { fieldError } from '../../lib/forms.ts';
import { ownerOptions, useUsers } from '../users/api.ts';
import { useCustomFields, type CustomField, type CustomObject } from './api.ts';
import { fromText } from './values.ts';

/** The custom fields of a create form, as plain controls named `custom.<key>`. */
export function CustomFieldInputs({ object, error }: { object: CustomObject; error: unknown }) {
  const fields = useCustomFields(object);
  const users = useUsers();
  if (fields.length === 0) return null;
  const control = (field: CustomField, props: { id: string }) => {
    const name = `custom.${field.key}`;
    if (field.type === 'picklist' || field.type === 'checkbox' || field.type === 'user') {
      const choices =
        field.type === 'checkbox'
          ? [
              { value: 'yes', label: 'Yes' },
              { value: 'no', label: 'No' },
            ]
          : field.type === 'user'
            ? ownerOptions(users.data)
            : field.options.map((o) => ({ value: o, label: o }));
      return (
        <Select {...props} name={name} defaultValue="" required={field.required}>
          <option value="">—</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
      );
    }
    const type = field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : field.type === 'url' ? 'url' : 'text';
    const placeholder = field.type === 'currency' ? 'EUR 1,250.00' : field.type === 'multi_picklist' ? field.options.join('; ') : '';
    return <Input {...props} name={name} type={type} step={field.type === 'number' ? 'any' : undefined} placeholder={placeholder} required={field.required} />;
  };
  return (
    <>
      {fields.map((field) => (
        <Field key={field.id} label={field.required ? `${field.label} *` : field.label} hint={field.helpText || undefined} error={fieldError(error, `custom.${field.key}`)}>
          {(props) => control(field, props)}
        </Field>
      ))}
    </>
  );
}

/** The `custom` object of a create form's values (only the fields filled in). */
export function customValuesOf(fields: CustomField[], form: Record<string, string>): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const text = form[`custom.${field.key}`];
    if (text) values[field.key] = fromText(field, text);
  }
  return Object.keys(values).length ? values : undefined;
}
