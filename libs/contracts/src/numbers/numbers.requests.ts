import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { ActorRequest } from '../directory/directory.requests';
import { defineRequest } from '../request-definition';

export interface NumberView {
  id: string;
  phoneNumber: string;
  twilioSid: string;
  /** The current holder, or null. */
  staffId: string | null;
  /** Since when the current holder holds it. */
  assignedAt: string | null;
  status: 'active' | 'released';
  createdAt: string;
  releasedAt: string | null;
}

export interface AssignmentView {
  staffId: string;
  startedAt: string;
  endedAt: string | null;
}

export interface AvailableNumberView {
  phoneNumber: string;
  friendlyName: string;
  locality: string | null;
  region: string | null;
}

export class SearchAvailableNumbersRequest {
  @IsOptional()
  @Matches(/^\d{3}$/, { message: 'areaCode must be three digits' })
  areaCode?: string;

  @IsOptional()
  @Matches(/^[0-9*+]{1,16}$/, { message: 'contains must be digits (and * wildcards)' })
  contains?: string;
}

export class BuyNumberRequest extends ActorRequest {
  @IsOptional()
  @IsString()
  phoneNumber?: string;

  @IsOptional()
  @Matches(/^\d{3}$/, { message: 'areaCode must be three digits' })
  areaCode?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  staffId?: string;
}

export class NumberIdRequest {
  @IsUUID()
  numberId: string;
}

export class ChangeNumberRequest extends ActorRequest {
  @IsUUID()
  numberId: string;
}

export class AssignNumberRequest extends ChangeNumberRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;
}

export class ListNumbersRequest {}

export const SearchAvailableNumbers = defineRequest<
  SearchAvailableNumbersRequest,
  AvailableNumberView[]
>('numbers', 'search-available-numbers', SearchAvailableNumbersRequest);
export const BuyNumber = defineRequest<BuyNumberRequest, NumberView>(
  'numbers',
  'buy-number',
  BuyNumberRequest,
);
export const ListNumbers = defineRequest<ListNumbersRequest, NumberView[]>(
  'numbers',
  'list-numbers',
  ListNumbersRequest,
);
export const AssignNumber = defineRequest<AssignNumberRequest, NumberView>(
  'numbers',
  'assign-number',
  AssignNumberRequest,
);
export const UnassignNumber = defineRequest<ChangeNumberRequest, NumberView>(
  'numbers',
  'unassign-number',
  ChangeNumberRequest,
);
export const ReleaseNumber = defineRequest<ChangeNumberRequest, NumberView>(
  'numbers',
  'release-number',
  ChangeNumberRequest,
);
export const NumberHistory = defineRequest<NumberIdRequest, AssignmentView[]>(
  'numbers',
  'number-history',
  NumberIdRequest,
);
/** The number a staff member holds now, or null (for `GET /api/me`). */
export class NumberOfStaffRequest {
  @IsString()
  @IsNotEmpty()
  staffId: string;
}

export const NumberOfStaff = defineRequest<NumberOfStaffRequest, NumberView | null>(
  'numbers',
  'number-of-staff',
  NumberOfStaffRequest,
);
