import * as pulumi from '@pulumi/pulumi';
import { installMocks, settle, resolveOutput, MOCK_SECRET_MARKER, isSecretValue } from '../offline/mocks';

describe('offline harness', () => {
  it('records resources with parents, dependencies, options and computed outputs', async () => {
    const recorder = installMocks({ stack: 'dev' });
    // Submodules, not the package root (whose typings are 5,000 files for tsc).
    const azure = { resources: await import('@pulumi/azure-native/resources'), containerregistry: await import('@pulumi/azure-native/containerregistry') };
    const random = await import('@pulumi/random');
    class Holder extends pulumi.ComponentResource {
      constructor(name: string) {
        super('aks-platform:index:Holder', name, {}, {});
        const rg = new azure.resources.ResourceGroup(`${name}-rg`, { resourceGroupName: 'rg-x' }, { parent: this });
        const pw = new random.RandomPassword(`${name}-pw`, { length: 24 }, { parent: this });
        const acr = new azure.containerregistry.Registry(`${name}-acr`, {
          resourceGroupName: rg.name, registryName: 'crx123', sku: { name: 'Premium' }, adminUserEnabled: false,
          tags: { secretish: pw.result },
        }, { parent: this, protect: true });
        this.loginServer = acr.loginServer;
        this.password = pw.result;
        this.registerOutputs({});
      }
      loginServer: pulumi.Output<string>;
      password: pulumi.Output<string>;
    }
    const h = new Holder('h');
    const login = await resolveOutput(h.loginServer);
    const pw = await resolveOutput(h.password);
    await settle();
    expect(login).toEqual({ value: 'crx123.azurecr.io', secret: false });
    expect(pw.secret).toBe(true);
    expect(pw.value.startsWith(MOCK_SECRET_MARKER)).toBe(true);
    const acr = recorder.one('azure-native:containerregistry:Registry');
    const rg = recorder.one('azure-native:resources:ResourceGroup');
    const comp = recorder.one('aks-platform:index:Holder');
    expect(acr.protect).toBe(true);
    expect(acr.parent).toBe(comp.urn);
    expect(acr.dependencies).toEqual(expect.arrayContaining([rg.urn]));
    expect(acr.propertyDependencies.resourceGroupName).toEqual([rg.urn]);
    // A secret inside an input object makes the whole object secret.
    expect(isSecretValue(acr.inputs.tags)).toBe(true);
    expect(acr.id).toBe('/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-x/providers/Microsoft.ContainerRegistry/registries/crx123');
  });
});
