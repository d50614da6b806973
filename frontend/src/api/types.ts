import type { components } from './schema';

type Schemas = components['schemas'];
export type User = Schemas['UserOut'];
export type Project = Schemas['ProjectOut'];
export type Member = Schemas['MemberOut'];
export type Role = Schemas['Role'];
export type InvitableRole = Schemas['InvitableRole'];
export type Invitation = Schemas['InvitationOut'];
export type InvitationCreated = Schemas['InvitationCreated'];
export type InvitationPreview = Schemas['InvitationPreview'];
export type Task = Schemas['TaskOut'];
/** A change to a task (PATCH): only the fields sent are changed. */
export type TaskUpdate = Schemas['TaskUpdate'];
export type TaskStatus = Schemas['TaskStatus'];
export type TaskPriority = Task['priority'];
export type TaskPage = Schemas['TaskPage'];
export type TaskCounts = Schemas['TaskCounts'];
export type Attachment = Schemas['AttachmentOut'];
/** The file types the API accepts (the document lists them; others get 422). */
export type AttachmentContentType = Schemas['AttachmentCreate']['content_type'];
export type PresignedPost = Schemas['PresignedPost'];
export type ExportJob = Schemas['ExportOut'];

export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'in_progress', 'done'];
export const TASK_PRIORITIES: readonly TaskPriority[] = ['low', 'medium', 'high', 'urgent'];
export const ROLES: readonly Role[] = ['owner', 'member', 'viewer'];
/** The roles an invitation offers (owners are made by changing a member's role). */
export const INVITABLE_ROLES: readonly InvitableRole[] = ['member', 'viewer'];
/** The board's sorts; the first, its own manual order (ADR 0106), is the default. */
export const TASK_SORTS = [
  'position',
  '-created_at',
  'created_at',
  '-updated_at',
  'due_date',
  '-priority',
] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
};

export const SORT_LABELS: Record<TaskSort, string> = {
  position: 'Board order',
  '-created_at': 'Newest first',
  created_at: 'Oldest first',
  '-updated_at': 'Recently updated',
  due_date: 'Due date',
  '-priority': 'Priority (highest first)',
};

/** What a role may do, mirroring the backend's ProjectOwner / ProjectWriter / ProjectViewer. */
export function permissions(role: Role) {
  return {
    manageProject: role === 'owner',
    manageMembers: role === 'owner',
    editTasks: role === 'owner' || role === 'member',
  };
}
