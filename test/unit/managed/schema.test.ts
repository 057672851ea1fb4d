import { describe, expect, it } from 'vitest';
import managedSchema from '@/public/managed_schema.json';
import { CONNECTION_FIELDS, POLICY_PARTS } from '@/utils/managed/policy';
import { SettingsSchema } from '@/utils/settings';

interface JsonSchema {
  type: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
}

const schema = managedSchema as JsonSchema;

describe('public/managed_schema.json agrees with utils/managed/policy.ts', () => {
  it('names the same top-level keys', () => {
    const expected = Object.keys(POLICY_PARTS).sort();

    const actual = Object.keys(schema.properties ?? {}).sort();

    expect(actual).toEqual(expected);
  });

  it('names every field of a managed connection, and only those', () => {
    const expected = [...CONNECTION_FIELDS].sort();

    const actual = Object.keys(schema.properties?.connections?.items?.properties ?? {}).sort();

    expect(actual).toEqual(expected);
    expect(actual).toContain('revocationEndpoint');
  });

  it('names every setting, with the JSON type of its default', () => {
    const settings = schema.properties?.settings?.properties ?? {};
    const expected = Object.keys(SettingsSchema.entries).sort();

    const actual = Object.keys(settings).sort();

    expect(actual).toEqual(expected);
    expect(settings.enabled?.type).toBe('boolean');
    expect(
      Object.entries(settings)
        .filter(([key]) => key !== 'enabled')
        .map(([, value]) => value.type),
    ).toEqual(['integer', 'integer', 'integer', 'integer']);
  });

  it('uses only the types Chrome accepts (an unknown one stops the extension from loading)', () => {
    const types: string[] = [];
    const walk = (node: JsonSchema | undefined) => {
      if (!node) return;
      types.push(node.type);
      Object.values(node.properties ?? {}).forEach(walk);
      walk(node.items);
      walk(node.additionalProperties);
    };

    walk(schema);

    const allowed = ['object', 'array', 'string', 'boolean', 'integer', 'number'];
    expect(types.filter((type) => !allowed.includes(type))).toEqual([]);
    expect(types.length).toBeGreaterThan(20);
  });
});
