// The API straight from Node (through the edge, with Playwright's request context, so calls
// show in the trace): seeds data and checks what the UI says. Each ApiSession is a session of
// its own (its own refresh-token family), never the browser's: the backend rotates refresh
// tokens and treats a reused one as theft.
import { type APIRequestContext, type APIResponse, expect } from '@playwright/test';
import type { components } from '../../src/api/schema';

export type Schemas = components['schemas'];
export type TokenPair = Schemas['TokenPair'];
export type User = Schemas['UserOut'];
export type Project = Schemas['ProjectOut'];
export type Task = Schemas['TaskOut'];
export type TaskCreate = Schemas['TaskCreate'];
export type Role = Schemas['Role'];
export type InvitableRole = Schemas['InvitableRole'];
export type InvitationCreated = Schemas['InvitationCreated'];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Credentials {
  email: string;
  password: string;
}

export class ApiSession {
  private tokens: TokenPair | null = null;
  private loggingIn: Promise<void> | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(
    private readonly request: APIRequestContext,
    private readonly credentials: Credentials,
  ) {}

  /** Signs up (201), returning the new user and the tokens of the session it starts. */
  static async signUp(
    request: APIRequestContext,
    account: Credentials & { name: string },
  ): Promise<{ user: User; tokens: TokenPair }> {
    const response = await request.post('/api/auth/signup', {
      data: { email: account.email, password: account.password, display_name: account.name },
    });
    await expect(response, 'sign-up through the API').toBeOK();
    return (await response.json()) as { user: User; tokens: TokenPair };
  }

  /** A request as this user; a 401 (expired token) refreshes once and retries. */
  async send(
    method: Method,
    path: string,
    options: { data?: unknown; headers?: Record<string, string> } = {},
  ): Promise<APIResponse> {
    this.loggingIn ??= this.logIn();
    await this.loggingIn;
    for (let attempt = 0; ; attempt++) {
      const token = this.tokens?.access_token ?? '';
      const response = await this.request.fetch(`/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...options.headers },
        ...(options.data === undefined ? {} : { data: options.data }),
      });
      if (response.status() !== 401 || attempt === 2 || !(await this.renew(token))) {
        return response;
      }
    }
  }

  /** A request that must succeed; its JSON body (null for 204). */
  async json<T>(
    method: Method,
    path: string,
    data?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const response = await this.send(method, path, {
      data,
      ...(headers === undefined ? {} : { headers }),
    });
    await expect(response, `${method} ${path}`).toBeOK();
    return (response.status() === 204 ? null : await response.json()) as T;
  }

  createProject(name: string, description = ''): Promise<Project> {
    return this.json<Project>('POST', '/projects', { name, description });
  }

  createTask(projectId: string, task: Partial<TaskCreate> & { title: string }): Promise<Task> {
    return this.json<Task>('POST', `/projects/${projectId}/tasks`, task);
  }

  /** An invitation (owners); the answer carries the link, `/invitations/<token>`. */
  invite(projectId: string, email: string, role: InvitableRole): Promise<InvitationCreated> {
    return this.json<InvitationCreated>('POST', `/projects/${projectId}/invitations`, {
      email,
      role,
    });
  }

  /** Accepts an invitation as this user: the way anyone joins a project (issue 11). */
  acceptInvitation(link: string): Promise<Project> {
    const token = link.replace(/^.*\/invitations\//, '');
    return this.json<Project>('POST', '/invitations/accept', { token });
  }

  private async logIn(): Promise<void> {
    const response = await this.request.post('/api/auth/login', { data: this.credentials });
    await expect(response, 'log-in through the API').toBeOK();
    this.tokens = ((await response.json()) as { tokens: TokenPair }).tokens;
  }

  /** One refresh for all concurrent callers; false when the backend refuses it. */
  private renew(stale: string): Promise<boolean> {
    if (this.tokens?.access_token !== stale) return Promise.resolve(true);
    this.refreshing ??= (async () => {
      const response = await this.request.post('/api/auth/refresh', {
        data: { refresh_token: this.tokens?.refresh_token },
      });
      if (!response.ok()) return false;
      this.tokens = (await response.json()) as TokenPair;
      return true;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}
