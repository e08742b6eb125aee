/*
 * care_listen.h
 *	  Who may LISTEN to the care alarms (care_listen.c).
 */
#ifndef CARE_LISTEN_H
#define CARE_LISTEN_H

extern void care_listen_init(void);

#endif
